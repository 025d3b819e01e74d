// Declaring a task's official files and finding them under --data (by official name, at any depth).
import { findOfficialFile } from '../../core/data-files.ts';
import type { OfficialFile } from '../../core/types.ts';

export function officialFile(name: string, description: string, source: string, required = true): OfficialFile {
  return { name, description, source, required };
}

/** The path of `file` under `dataDir`; errors name the file, the folder searched and where it is published. */
export function findFile(dataDir: string, file: OfficialFile): Promise<string> {
  return findOfficialFile(dataDir, file.name, { source: file.source, description: file.description });
}
