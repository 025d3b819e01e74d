// `flamingo-eval leaderboard`: registered by its owner's issue; nothing is registered until then.
import type { Command } from 'commander';

export function registerLeaderboard(_program: Command): void {}
