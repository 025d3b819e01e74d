// The ablation names (`--ablation`, ablation.ts), apart from their prompt transforms so that reading a record (its
// config.ablation) loads nothing of the run loop.
export const ABLATIONS = ['demo-media', 'query-media', 'shuffled-answers', 'foreign-demo-media'] as const;
export type Ablation = (typeof ABLATIONS)[number];
