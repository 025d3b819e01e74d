// `flamingo-eval run`: registered by its owner's issue; nothing is registered until then.
import type { Command } from 'commander';

export function registerRun(_program: Command): void {}
