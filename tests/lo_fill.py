"""Fill a workbook in LibreOffice (headless), as a clerk typing would, and save it as .ods and .xlsx.

Run by Debian's own python3 (it has the ``uno`` module of python3-uno), not the project's:

    /usr/bin/python3 tests/lo_fill.py TEMPLATE FILL.json OUT_STEM

FILL.json maps sheet -> header -> the text typed into row 2 (typed with setFormula, so
LibreOffice reads it as it would from the keyboard, under the column's format). Prints a
JSON report of what LibreOffice sees in the template: the check (validation) type of each
column's cells, the number of header comments per sheet, and whether row 1 is frozen.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prop(name, value):
    from com.sun.star.beans import PropertyValue  # Debian's python3-uno (imported here: pytest collects this file)

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str, deadline: float):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main(template: str, fill_path: str, out_stem: str) -> None:
    import uno

    fill = json.loads(Path(fill_path).read_text(encoding="utf-8"))
    profile = tempfile.mkdtemp(prefix="kfl-lo-profile-")
    pipe = f"kfl-lo-{Path(profile).name}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ctx = connect(pipe, time.monotonic() + 60)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(Path(template).resolve())), "_blank", 0, (prop("Hidden", True),)
        )
        report = {"validation": {}, "comments": {}, "frozen": {}, "sheets": list(doc.Sheets.ElementNames)}
        controller = doc.getCurrentController()
        for name in doc.Sheets.ElementNames:
            sheet = doc.Sheets.getByName(name)
            report["comments"][name] = sheet.getAnnotations().getCount()
            headers = []
            for col in range(60):
                text = sheet.getCellByPosition(col, 0).getString()
                if not text:
                    break
                headers.append(text)
            report["validation"][name] = {
                h: sheet.getCellByPosition(i, 1).getPropertyValue("Validation").Type.value
                for i, h in enumerate(headers)
            }
            if controller is not None:
                controller.setActiveSheet(sheet)
                report["frozen"][name] = bool(controller.hasFrozenPanes())
            for header, typed in fill.get(name, {}).items():
                sheet.getCellByPosition(headers.index(header), 1).setFormula(typed)
        doc.storeToURL(uno.systemPathToFileUrl(str(Path(out_stem + ".ods").resolve())), (prop("FilterName", "calc8"),))
        doc.storeToURL(
            uno.systemPathToFileUrl(str(Path(out_stem + ".xlsx").resolve())),
            (prop("FilterName", "Calc MS Excel 2007 XML"),),
        )
        doc.close(True)
        print(json.dumps(report))
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops as soffice exits
            pass
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
        subprocess.run(["rm", "-rf", profile], check=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
