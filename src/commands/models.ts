// `flamingo-eval models`: registered by its owner's issue; nothing is registered until then.
import type { Command } from 'commander';

export function registerModels(_program: Command): void {}
