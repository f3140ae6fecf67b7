// jsonld.js (npm `jsonld`) as a civic developer runs it in Node: its own node document
// loader fetches each URL (Accept: application/ld+json, follows redirects and the
// rel="alternate" JSON-LD Link), then expand() and toRDF(). Used by tests/test_clients.py.
// Usage: node tests/js/jsonld_client.js URL...  -> one JSON object per URL on stdout:
//   {"url": ..., "ids": [@id of every expanded node], "nquads": "...", "documentUrl": ..., "contentType": ...}
// or {"url": ..., "error": "..."} when jsonld.js fails on it.
"use strict";
const jsonld = require("jsonld");

async function one(url) {
  const node = jsonld.documentLoaders.node();
  // Where the loader ended up for the URL itself (after 303 and Link), and the media type it got
  // (jsonld.js 9's node loader does not pass the type on; it refuses a non-JSON answer itself).
  let documentUrl = null;
  let contentType = null;
  const loader = async (asked, options) => {
    const remote = await node(asked, options);
    if (asked === url) ({ documentUrl, contentType } = remote);
    return remote;
  };
  try {
    const expanded = await jsonld.expand(url, { documentLoader: loader });
    const nquads = await jsonld.toRDF(expanded, { format: "application/n-quads" });
    return {
      url,
      documentUrl,
      contentType: contentType || "(not given by jsonld.js)",
      ids: expanded.map((node) => node["@id"]).filter(Boolean),
      nquads,
    };
  } catch (err) {
    return { url, error: `${err.name}: ${err.message}${err.details ? " " + JSON.stringify(err.details).slice(0, 300) : ""}` };
  }
}

(async () => {
  for (const url of process.argv.slice(2)) {
    const started = Date.now();
    process.stdout.write(JSON.stringify(await one(url)) + "\n");
    process.stderr.write(`${Date.now() - started} ms ${url}\n`);
  }
  // The loader's keep-alive sockets would hold Node open until the server closes them.
  process.stdout.write("", () => process.exit(0));
})();
