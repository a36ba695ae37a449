import { compareStrings } from '../text/compare-strings';
import { relativeSpecifier } from '../text/posix-paths';
import type { ImportableSymbol } from '../scanner/scanned-function';

interface ImportedName {
  readonly exportName: string;
  readonly localName: string;
  typeOnly: boolean;
}

/**
 * The imports of one generated file: each symbol gets one local name, unique in the file, and
 * the import statements render sorted (packages first, then project files), so the output does
 * not depend on the order symbols were asked for.
 */
export class ImportSet {
  readonly #fromDir: string;
  readonly #byModule = new Map<string, { isPackage: boolean; names: ImportedName[] }>();
  readonly #taken: Set<string>;

  /** `fromDir`: the workspace-relative folder of the generated file. `reserved`: names it declares itself. */
  constructor(fromDir: string, reserved: Iterable<string> = []) {
    this.#fromDir = fromDir;
    this.#taken = new Set(reserved);
  }

  /** The local name under which `symbol` is available, importing it if needed. */
  use(symbol: ImportableSymbol, options: { readonly typeOnly: boolean; readonly preferredName?: string }): string {
    const specifier = symbol.isPackage ? symbol.module : relativeSpecifier(this.#fromDir, symbol.module);
    let entry = this.#byModule.get(specifier);
    if (!entry) {
      entry = { isPackage: symbol.isPackage, names: [] };
      this.#byModule.set(specifier, entry);
    }
    const existing = entry.names.find((name) => name.exportName === symbol.exportName);
    if (existing) {
      existing.typeOnly &&= options.typeOnly;
      return existing.localName;
    }
    const preferred = options.preferredName ?? (symbol.exportName === 'default' ? 'DefaultExport' : symbol.exportName);
    const localName = this.#unique(preferred);
    entry.names.push({ exportName: symbol.exportName, localName, typeOnly: options.typeOnly });
    return localName;
  }

  /** Marks a name as declared by the file, so no import takes it. */
  reserve(name: string): void {
    this.#taken.add(name);
  }

  /** The import statements, one per module. */
  render(): string[] {
    const modules = [...this.#byModule.entries()].sort(
      ([a, ea], [b, eb]) => Number(ea.isPackage === false) - Number(eb.isPackage === false) || compareStrings(a, b),
    );
    return modules.flatMap(([specifier, { names }]) => renderImport(specifier, names));
  }

  #unique(preferred: string): string {
    let name = preferred;
    for (let n = 2; this.#taken.has(name); n++) name = `${preferred}${n}`;
    this.#taken.add(name);
    return name;
  }
}

function renderImport(specifier: string, names: readonly ImportedName[]): string[] {
  const lines: string[] = [];
  const defaultName = names.find((name) => name.exportName === 'default');
  if (defaultName) lines.push(`import ${defaultName.typeOnly ? 'type ' : ''}${defaultName.localName} from '${specifier}';`);
  const named = names.filter((name) => name.exportName !== 'default').sort((a, b) => compareStrings(a.exportName, b.exportName));
  if (named.length > 0) {
    const allTypes = named.every((name) => name.typeOnly);
    const inner = named.map((name) => {
      const alias = name.localName === name.exportName ? name.exportName : `${name.exportName} as ${name.localName}`;
      return !allTypes && name.typeOnly ? `type ${alias}` : alias;
    });
    lines.push(`import ${allTypes ? 'type ' : ''}{ ${inner.join(', ')} } from '${specifier}';`);
  }
  return lines;
}
