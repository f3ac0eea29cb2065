export { buildGallery, type GalleryOptions } from './build.js';
export { serveGallery, type GalleryServer, type ServeOptions } from './serve.js';
export { choosePick } from './pick.js';
