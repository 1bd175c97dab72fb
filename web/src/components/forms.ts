import { html, nothing, type TemplateResult } from "lit";
import { ApiError } from "../lib/api";

export interface FieldOptions {
  label: string;
  name: string;
  type?: string;
  value?: string;
  error?: string | undefined;
  hint?: string;
  inputmode?: "decimal" | "text" | "email" | "search";
  placeholder?: string;
  autocomplete?: string;
  required?: boolean;
  onInput?: (e: InputEvent) => void;
}

/** A labelled input with its hint and error, wired for screen readers. */
export function field(formId: string, o: FieldOptions): TemplateResult {
  const id = `${formId}-${o.name}`;
  const described = [o.hint ? `${id}-hint` : "", o.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field">
    <label for=${id}>${o.label}</label>
    <input
      id=${id}
      name=${o.name}
      type=${o.type ?? "text"}
      .value=${o.value ?? ""}
      inputmode=${o.inputmode ?? nothing}
      placeholder=${o.placeholder ?? nothing}
      autocomplete=${o.autocomplete ?? "off"}
      ?required=${o.required ?? false}
      @input=${o.onInput ?? nothing}
      aria-invalid=${o.error ? "true" : "false"}
      aria-describedby=${described || nothing}
    />
    ${o.hint ? html`<div class="hint" id="${id}-hint">${o.hint}</div>` : nothing}
    ${o.error ? html`<div class="error" id="${id}-error">${o.error}</div>` : nothing}
  </div>`;
}

export interface FormErrors {
  fields: Record<string, string>;
  form: string;
}

/** Put the API's error next to the field it names, or above the form when it names none we show. */
export function fromApiError(exc: unknown, shown: string[]): FormErrors {
  if (exc instanceof ApiError) {
    if (exc.field && shown.includes(exc.field)) return { fields: { [exc.field]: exc.message }, form: "" };
    return { fields: {}, form: exc.message };
  }
  return { fields: {}, form: "Something went wrong. Try again." };
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => (out[k] = typeof v === "string" ? v.trim() : ""));
  return out;
}
