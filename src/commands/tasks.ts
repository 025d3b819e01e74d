// `flamingo-eval tasks`: registered by its owner's issue; nothing is registered until then.
import type { Command } from 'commander';

export function registerTasks(_program: Command): void {}
