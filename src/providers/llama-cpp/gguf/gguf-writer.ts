import { open } from 'node:fs/promises';

/**
 * A GGUF v3 file writer, written by hand for Lingua: no npm library writes
 * GGUF (node-llama-cpp and others only read it). Format: the header
 * (magic, version, tensor count, metadata count), typed key/values, tensor
 * infos, then each tensor's data aligned to 32 bytes. Only what Lingua's
 * generated models need: F32 tensors and the value types below.
 */

/** A typed metadata value (GGUF stores the type with every value). */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'f32s'; value: ArrayLike<number> }
  | { type: 'i32s'; value: ArrayLike<number> };

export const u32 = (value: number): GgufValue => ({ type: 'u32', value });
export const f32 = (value: number): GgufValue => ({ type: 'f32', value });
export const bool = (value: boolean): GgufValue => ({ type: 'bool', value });
export const str = (value: string): GgufValue => ({ type: 'string', value });

export interface GgufTensor {
  name: string;
  /** ggml order: `dims[0]` is the length of one row (the input width of a weight). */
  dims: readonly number[];
  /** Made when the tensor is written, so a large model is never whole in memory. */
  data: () => Float32Array;
}

export interface GgufFile {
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
}

const ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;
const valueType = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;

/** Writes `file` to `path` (replacing it). */
export async function writeGguf(path: string, file: GgufFile): Promise<void> {
  const header = new ByteWriter();
  header.u32(0x46554747); // "GGUF"
  header.u32(3);
  header.u64(file.tensors.length);
  header.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    header.string(key);
    writeValue(header, value);
  }
  let offset = 0;
  for (const t of file.tensors) {
    header.string(t.name);
    header.u32(t.dims.length);
    for (const d of t.dims) header.u64(d);
    header.u32(GGML_TYPE_F32);
    header.u64(offset);
    offset = align(offset + elements(t) * 4);
  }
  header.pad();

  const handle = await open(path, 'w');
  try {
    await handle.write(header.bytes());
    for (const t of file.tensors) {
      const data = t.data();
      if (data.length !== elements(t)) throw new Error(`tensor ${t.name}: ${data.length} values for dims ${t.dims.join('x')}`);
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      await handle.write(bytes);
      const padding = align(bytes.length) - bytes.length;
      if (padding > 0) await handle.write(new Uint8Array(padding));
    }
  } finally {
    await handle.close();
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  switch (v.type) {
    case 'u32': w.u32(valueType.u32); w.u32(v.value); break;
    case 'i32': w.u32(valueType.i32); w.i32(v.value); break;
    case 'f32': w.u32(valueType.f32); w.f32(v.value); break;
    case 'bool': w.u32(valueType.bool); w.u8(v.value ? 1 : 0); break;
    case 'string': w.u32(valueType.string); w.string(v.value); break;
    case 'strings':
      w.u32(valueType.array); w.u32(valueType.string); w.u64(v.value.length);
      for (const s of v.value) w.string(s);
      break;
    case 'f32s':
      w.u32(valueType.array); w.u32(valueType.f32); w.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) w.f32(v.value[i]!);
      break;
    case 'i32s':
      w.u32(valueType.array); w.u32(valueType.i32); w.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) w.i32(v.value[i]!);
      break;
  }
}

const elements = (t: GgufTensor): number => t.dims.reduce((a, b) => a * b, 1);
const align = (n: number): number => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** Little-endian bytes into a growing buffer. */
class ByteWriter {
  #buf = new Uint8Array(1 << 16);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  #reserve(n: number): number {
    if (this.#len + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#len;
    this.#len += n;
    return at;
  }

  // Reserve first: growing replaces the buffer and its view.
  u8(v: number): void { const at = this.#reserve(1); this.#view.setUint8(at, v); }
  u32(v: number): void { const at = this.#reserve(4); this.#view.setUint32(at, v, true); }
  i32(v: number): void { const at = this.#reserve(4); this.#view.setInt32(at, v, true); }
  f32(v: number): void { const at = this.#reserve(4); this.#view.setFloat32(at, v, true); }
  u64(v: number): void { const at = this.#reserve(8); this.#view.setBigUint64(at, BigInt(v), true); }

  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    const at = this.#reserve(bytes.length);
    this.#buf.set(bytes, at);
  }

  /** Zero bytes up to the next multiple of the alignment. */
  pad(): void {
    this.#reserve(align(this.#len) - this.#len);
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}
