// Sample datasets of the open-ended image benchmarks (Flickr30K, VQAv2, VizWiz, TextVQA), in their official layouts.
import type { SampleBuilder } from './sample-writer.ts';

export const IMAGE_OPEN_SAMPLE_BUILDERS: Record<string, SampleBuilder> = {};
