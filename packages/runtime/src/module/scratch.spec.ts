import fs from 'node:fs';
import path from 'node:path';
import { parseModule } from './module-loader';

it('prints', () => {
  const dir = path.join(__dirname, 'fixtures/invalid');
  for (const name of fs.readdirSync(dir)) {
    const file = path.join('fixtures/invalid', name);
    try {
      parseModule(fs.readFileSync(path.join(dir, name), 'utf8'), file);
      console.log(name, 'OK');
    } catch (e) {
      console.log((e as Error).message);
    }
  }
});
