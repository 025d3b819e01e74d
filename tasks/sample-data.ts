// Where a task's built-in sample data lives: sample-data/<task-id>/ at the root of the package, in the official layout.
import { fileURLToPath } from 'node:url';

export function sampleDataDir(taskId: string): string {
  return fileURLToPath(new URL(`../sample-data/${taskId}/`, import.meta.url));
}
