#!/usr/bin/env node
// The entry point. A build with nothing to do is answered by the no-op fast path before the CLI
// framework, yaml, ajv, the engine or any SDK is imported; everything else runs the full CLI.
import { answerFromFastPath } from './fastpath/replay.js';

if (!answerFromFastPath(process.argv.slice(2))) await import('./program.js');
