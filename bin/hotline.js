#!/usr/bin/env node
// The installed `hotline` command: registers tsx so the TypeScript sources run as they are, no build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
