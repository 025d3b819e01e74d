// The file extensions a video folder may hold: video containers, and the images of a folder of decoded frames. Kept
// apart from video.ts so that finding a dataset's videos does not load the image library.
export const VIDEO_EXTENSIONS = new Set(['.mp4', '.webm', '.avi', '.mkv', '.mov', '.m4v', '.mpg', '.mpeg', '.ogv', '.3gp', '.flv', '.wmv']);
export const FRAME_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif', '.tif', '.tiff']);
