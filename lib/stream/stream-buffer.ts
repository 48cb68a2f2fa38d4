/**
 * How much the Transforms buffer on each side. While a file sink is busy,
 * finished chunks queue on the readable side and reach it together (one
 * writev), and reads run ahead of the cipher on the writable side. With Node's
 * 16 KiB default every chunk cost its own round trip through the file system,
 * and file pipelines ran at a third of the cipher's speed (bench/RESULTS.md).
 * One default chunk (four 64 KiB reads) each way keeps memory bounded by a few chunks.
 */
export const STREAM_BUFFER_BYTES = 256 * 1024;
