// Hex strings for byte fixtures: `hex(bytes)` → 'a2062c…', `fromHex('a2 06 2c')` → bytes.

/** The bytes as lowercase hex, no separators. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes from hex; whitespace is ignored so fixtures can be grouped by field. */
export function fromHex(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(compact)) throw new Error(`not a hex string: ${text}`);
  return new Uint8Array(Buffer.from(compact, 'hex'));
}
