// Copy the browser assets we serve from the npm packages into src/kfl_lod/web/static/vendor
// (run by `npm ci` as postinstall): we serve them ourselves, never from a CDN.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const vendor = path.join(root, "src/kfl_lod/web/static/vendor");
const copies = {
  leaflet: [
    ["node_modules/leaflet/dist/leaflet.js", "leaflet.js"],
    ["node_modules/leaflet/dist/leaflet.css", "leaflet.css"],
    ["node_modules/leaflet/dist/images", "images"],
    ["node_modules/leaflet/LICENSE", "LICENSE"],
  ],
  // YASGUI's bundle (editor YASQE + results YASR); the source map is left out (4 MB).
  yasgui: [
    ["node_modules/@triply/yasgui/build/yasgui.min.js", "yasgui.min.js"],
    ["node_modules/@triply/yasgui/build/yasgui.min.css", "yasgui.min.css"],
    ["node_modules/@triply/yasgui/build/yasgui.min.js.LICENSE.txt", "yasgui.min.js.LICENSE.txt"],
    ["node_modules/@triply/yasgui/LICENSE.txt", "LICENSE.txt"],
  ],
  // Chart.js for the query page's chart view (YASR plugin in static/sparql-chart.js).
  chartjs: [
    ["node_modules/chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
    ["node_modules/chart.js/LICENSE.md", "LICENSE.md"],
  ],
};
for (const [name, files] of Object.entries(copies)) {
  const dir = path.join(vendor, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [from, to] of files) fs.cpSync(path.join(root, from), path.join(dir, to), { recursive: true });
}
