// Renders a Vega-Lite specification to SVG in Node (vega's headless SVG renderer: no browser, no canvas), and SVG to
// PNG with sharp. The plot's data are inline; the loader refuses every URL, so rendering never touches the network.
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const NO_NETWORK: vega.Loader = {
  load: () => Promise.reject(new Error('plots read no files or URLs')),
  sanitize: () => Promise.reject(new Error('plots read no files or URLs')),
  http: () => Promise.reject(new Error('plots read no files or URLs')),
  file: () => Promise.reject(new Error('plots read no files or URLs')),
};

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', loader: NO_NETWORK });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at `density` dots per inch (96: the SVG's pixel size; 192: twice as sharp). */
export async function svgToPng(svg: string, density = 192): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}
