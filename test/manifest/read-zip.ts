import { unzipSync } from 'fflate';

export interface ZipFile {
  name: string;
  data: Buffer;
}

/** The entries of a zip in central-directory order (fflate reads it and inflates each entry). */
export function readZip(zip: Buffer): ZipFile[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data: Buffer.from(data) }));
}
