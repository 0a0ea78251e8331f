/**
 * The packages of the advice section: three shapes of an eager import the workload never
 * uses, each a pyproject.toml naming its package and workload.
 *
 * - service: the acceptance fixture (test/fixtures/advise/service): a report module's
 *   heavy imports moved into the function that uses them, beside a class whose base comes
 *   from a heavy module (kept: not movable).
 * - reexport: `__init__` re-exports a class of a heavy submodule: deferred by a PEP 562
 *   module `__getattr__`.
 * - deep: the heavy imports three modules down a chain, used by one function there.
 */
import { join } from "node:path";
import { ROOT } from "./common.ts";

export interface AdviseFixture {
  name: string;
  shape: string;
  /** Files written over `from` (a folder copied first), or the whole tree. */
  from?: string;
  files: Record<string, string>;
}

const project = (pkg: string, workload: string) =>
  `[project]\nname = "${pkg}"\nversion = "0.1.0"\n\n[tool.coldstart]\npackage = "${pkg}"\nworkload = "${workload}"\n`;

export const ADVISE_FIXTURES: readonly AdviseFixture[] = [
  {
    name: "service",
    shape: "heavy imports used in one function; a base class kept",
    from: join(ROOT, "test", "fixtures", "advise", "service"),
    files: {},
  },
  {
    name: "reexport",
    shape: "a re-exported class of a heavy module (module __getattr__)",
    files: {
      "pyproject.toml": project("shop", "print(shop.checkout([3, 4]))"),
      "shop/__init__.py": '"""A shop: checkout on every request; invoices rarely."""\nfrom .cart import checkout\nfrom .invoices import Invoice\n\n__all__ = ["checkout", "Invoice"]\n',
      "shop/cart.py": '"""The cart: what every request runs."""\n\n\ndef checkout(items):\n    return sum(items)\n',
      "shop/invoices.py": [
        '"""Invoices: mail and XML, rarely used."""',
        "import email.mime.multipart",
        "import email.mime.text",
        "import xml.etree.ElementTree as ET",
        "from decimal import Decimal",
        "",
        "",
        "class Invoice:",
        "    def __init__(self, total):",
        "        self.total = Decimal(total)",
        "",
        "    def mail(self):",
        "        message = email.mime.multipart.MIMEMultipart()",
        "        message.attach(email.mime.text.MIMEText(ET.tostring(ET.Element('invoice', total=str(self.total))).decode()))",
        "        return message",
        "",
      ].join("\n"),
    },
  },
  {
    name: "deep",
    shape: "heavy imports three modules down a chain",
    files: {
      "pyproject.toml": project("pipeline", "print(pipeline.run([1, 2, 3]))"),
      "pipeline/__init__.py": '"""A data pipeline."""\nfrom .stages import run\n\n__all__ = ["run"]\n',
      "pipeline/stages.py": '"""The stages: run is what every request uses."""\nfrom . import sources\n\n\ndef run(values):\n    return [value * 2 for value in values]\n\n\ndef run_remote(url):\n    return run(sources.fetch(url))\n',
      "pipeline/sources.py": '"""Where data comes from."""\nfrom .transport import fetch\n\n__all__ = ["fetch"]\n',
      "pipeline/transport.py": [
        '"""Fetching over the network: asyncio, http and a decoder, used by fetch only."""',
        "import asyncio",
        "import http.client",
        "import json",
        "import urllib.parse",
        "",
        "",
        "def fetch(url):",
        "    parts = urllib.parse.urlsplit(url)",
        "    connection = http.client.HTTPConnection(parts.netloc)",
        "    connection.request('GET', parts.path)",
        "    return asyncio.run(asyncio.sleep(0, json.loads(connection.getresponse().read())))",
        "",
      ].join("\n"),
    },
  },
];
