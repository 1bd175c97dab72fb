import { html } from "lit";
import { customElement } from "./define";
import { LightElement } from "./base";
import { type Toast, toasts } from "../context";

interface Shown extends Toast {
  id: number;
}

/** Money movements and webhooks announce themselves here, and to screen readers. */
export class ToastStack extends LightElement {
  static override properties = { shown: { state: true } };
  declare shown: Shown[];
  private next = 0;
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.shown = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = toasts.on((t) => {
      const id = this.next++;
      this.shown = [...this.shown.slice(-4), { ...t, id }];
      setTimeout(() => (this.shown = this.shown.filter((s) => s.id !== id)), t.kind === "error" ? 8000 : 5000);
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    super.disconnectedCallback();
  }

  protected override render() {
    return html`<div class="toasts" role="status" aria-live="polite">
      ${this.shown.map((t) => html`<div class="toast ${t.kind}" data-testid="toast">${t.text}</div>`)}
    </div>`;
  }
}
customElement("pd-toasts", ToastStack);
