// Everything `flamingo-eval score` runs — the file readers of src/score/ and the scorers of src/metrics/ — behind one
// lazy import (src/score/metrics.ts, src/commands/score.ts). One import target rather than one per metric lets the
// bundler keep the metrics in a few chunks: with a chunk per metric, `flamingo-eval tasks` (whose task modules import
// their scorers) opened 24 extra files at start-up, a third of its time (bench/startup.ts).
export { loadCaptions } from './captions.ts';
export { loadVqa } from './vqa.ts';
export { loadAnswers } from './answers.ts';
export { loadHatefulMemes } from './hateful-memes.ts';
export { loadVisdial } from './visdial.ts';
export { loadRareAct } from './rareact.ts';
export { tokenizeCaptionItems } from '../metrics/text/ptb-tokenize.ts';
export { CaptionNgrams } from '../metrics/caption-ngrams.ts';
export { bleu, bleuStatistics, corpusBleu } from '../metrics/bleu.ts';
export { rougeL, rougeLOfTokenized } from '../metrics/rouge-l.ts';
export { ciderD, ciderDOfNgrams, CiderDResampler } from '../metrics/cider-d.ts';
export { scoreCaptions } from '../metrics/caption.ts';
export { vqaAccuracy } from '../metrics/vqa-accuracy.ts';
export { ivqaAccuracy } from '../metrics/ivqa-accuracy.ts';
export { accuracy } from '../metrics/accuracy.ts';
export { wups } from '../metrics/wups.ts';
export { rocAuc } from '../metrics/roc-auc.ts';
export { visdialNdcg } from '../metrics/ndcg.ts';
export { mwap, mwapResampler } from '../metrics/mwap.ts';
export { bootstrapIntervals } from '../metrics/bootstrap.ts';
