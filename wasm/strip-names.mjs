// Drops the `name` custom section (function names, for stack traces) from a WebAssembly file:
// some 300 KB the Worker does not need to run. Used by wasm/build.sh.
import fs from "node:fs";

const file = process.argv[2];
const bytes = fs.readFileSync(file);

function leb128(at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

const kept = [bytes.subarray(0, 8)];
let at = 8;
while (at < bytes.length) {
  const start = at;
  const id = bytes[at++];
  const [size, body] = leb128(at);
  const end = body + size;
  let drop = false;
  if (id === 0) {
    const [length, name] = leb128(body);
    drop = bytes.subarray(name, name + length).toString() === "name";
  }
  if (!drop) kept.push(bytes.subarray(start, end));
  at = end;
}
fs.writeFileSync(file, Buffer.concat(kept));
