/** Register an element once (hot reload and tests may import a module twice). */
export function customElement(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor);
}
