import { readFileSync } from 'node:fs';
import { packagePath } from './paths.ts';

/** The tool version, from package.json (written into every run record). */
export const VERSION: string = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')).version;
