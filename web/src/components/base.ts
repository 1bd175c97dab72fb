import { LitElement } from "lit";

/** Components render into the light DOM: one stylesheet, printable, and reachable by labels and tests. */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
