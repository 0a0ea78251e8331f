/**
 * The one writer (scripts/lib/write.ts) against every kind of target it can meet without
 * starting a process, for every way it writes (devices, FIFOs, read-only folders and the
 * tools themselves: test/e2e/write-targets.test.ts).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createNewFile, ensureWritableFile, resolveTarget, writeFile } from "../../scripts/lib/write.ts";
import { cleanupTempDirs, oneLineError, tempDir, WRITERS } from "../helpers.ts";

afterAll(cleanupTempDirs);

describe.each(Object.keys(WRITERS))("%s", (name) => {
  const write = WRITERS[name]!;

  test("absent: created", () => {
    const path = join(tempDir(), "report.md");
    write(path, "new\n");
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(lstatSync(path).isFile()).toBe(true);
  });

  test("regular: replaced (appended to), permissions kept", () => {
    const path = join(tempDir(), "report.md");
    writeFileSync(path, "old\n");
    chmodSync(path, 0o640);
    write(path, "new\n");
    expect(readFileSync(path, "utf8")).toBe(name === "appendFile" ? "old\nnew\n" : "new\n");
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  test("symlink to a file: written through, the link stays a link", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.txt"), "target\n");
    symlinkSync("real.txt", join(dir, "link.txt"));
    write(join(dir, "link.txt"), "through\n");
    expect(lstatSync(join(dir, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "link.txt"))).toBe("real.txt");
    expect(readFileSync(join(dir, "real.txt"), "utf8")).toBe(name === "appendFile" ? "target\nthrough\n" : "through\n");
  });

  test("a chain of links, one of them absolute", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "real.txt"), "");
    symlinkSync(join(dir, "sub", "real.txt"), join(dir, "one"));
    symlinkSync("one", join(dir, "two"));
    write(join(dir, "two"), "x");
    expect(readFileSync(join(dir, "sub", "real.txt"), "utf8")).toBe("x");
    expect(lstatSync(join(dir, "two")).isSymbolicLink() && lstatSync(join(dir, "one")).isSymbolicLink()).toBe(true);
  });

  test("dangling symlink: its target is created, the link stays", () => {
    const dir = tempDir();
    symlinkSync("made.txt", join(dir, "link.txt"));
    write(join(dir, "link.txt"), "made\n");
    expect(lstatSync(join(dir, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "made.txt"), "utf8")).toBe("made\n");
  });

  test("a folder: one line, exit 2", () => {
    const dir = tempDir();
    expect(oneLineError(() => write(dir, "x")).message).toContain("is a folder");
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  test("a link to a folder: one line, exit 2", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    symlinkSync("sub", join(dir, "link"));
    expect(oneLineError(() => write(join(dir, "link"), "x")).message).toContain("is a folder");
  });

  test("a missing folder: one line, exit 2, nothing created", () => {
    const dir = tempDir();
    oneLineError(() => write(join(dir, "no", "such", "report.md"), "x"));
    expect(() => statSync(join(dir, "no"))).toThrow();
  });
});

describe("other targets", () => {
  test("a socket: one line, exit 2, the socket stays", async () => {
    const path = join(tempDir(), "sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      expect(oneLineError(() => writeFile(path, "x", { flag: "--output" })).message).toContain("is a socket");
      expect(lstatSync(path).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  test("- is standard output", () => {
    expect(resolveTarget("-")).toEqual({ kind: "stdout" });
    expect(() => ensureWritableFile("-", "--output")).not.toThrow();
  });

  test("createNewFile never overwrites: a taken name gets -2", () => {
    const dir = tempDir();
    const first = createNewFile(join(dir, "cold_start_1.json"), "a");
    const second = createNewFile(join(dir, "cold_start_1.json"), "b");
    expect([first, second].map((path) => path.slice(dir.length + 1))).toEqual(["cold_start_1.json", "cold_start_1-2.json"]);
    expect(readFileSync(first, "utf8")).toBe("a");
  });

  test("checking a report path up front: folder refused, link to a file accepted", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.txt"), "");
    symlinkSync("real.txt", join(dir, "link.txt"));
    expect(() => ensureWritableFile(join(dir, "link.txt"), "--output")).not.toThrow();
    expect(oneLineError(() => ensureWritableFile(dir, "--html")).message).toMatch(/^--html .*is a folder/);
    oneLineError(() => ensureWritableFile(join(dir, "missing", "x.html"), "--html"));
  });
});
