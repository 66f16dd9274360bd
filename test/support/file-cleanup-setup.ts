import { afterAll } from 'vitest';
import { runFileCleanups } from './file-cleanup.js';

// A setup file: runs in every test file, after all of its tests.
afterAll(runFileCleanups);
