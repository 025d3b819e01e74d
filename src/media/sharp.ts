// sharp (libvips) loaded on first use: its native library costs start-up time that commands without images need
// not pay.
import type sharpModule from 'sharp';

export type SharpFn = typeof sharpModule;
let loaded: Promise<SharpFn> | undefined;

export function loadSharp(): Promise<SharpFn> {
  return (loaded ??= import('sharp').then((m) => m.default));
}
