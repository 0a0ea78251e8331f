/**
 * Loaded before every test file (bunfig.toml [test] preload): the suite's temporary folder
 * (helpers.ts) goes once every file has run. bun test fires no process "exit" event, so a
 * handler there never ran and every run left its folder behind in the OS temporary folder.
 */
import { afterAll } from "bun:test";
import { rmSync } from "node:fs";
import { TEST_TMP } from "./helpers.ts";

afterAll(() => rmSync(TEST_TMP, { recursive: true, force: true }));
