// What people type where a number belongs ("1,000", "$500", "€ 1.250,00" is not
// among them), turned into the plain decimal the API takes. Anything we cannot
// read for certain is returned as typed, so the form's check says what is wrong
// instead of guessing at an amount of money.

const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const PLAIN = /^\d+(\.\d+)?$/;

function currencySymbols(currency: string): string[] {
  const symbols = new Set<string>([currency.toUpperCase()]);
  for (const display of ["symbol", "narrowSymbol"] as const) {
    try {
      const part = new Intl.NumberFormat("en", { style: "currency", currency, currencyDisplay: display })
        .formatToParts(1)
        .find((p) => p.type === "currency");
      if (part) symbols.add(part.value);
    } catch {
      // an unknown currency code: only the code itself is stripped
    }
  }
  return [...symbols].sort((a, b) => b.length - a.length); // the longest first: "USD" before "$"
}

/** A number as typed, without spaces and thousands separators: "1,000.50" → "1000.50". */
export function plainNumber(typed: string): string {
  const text = typed.replace(/[\s\u00a0\u202f]/g, "");
  return GROUPED.test(text) ? text.replaceAll(",", "") : text;
}

/** An amount as typed, in the pool's currency: "$1,000" → "1000", "500 USD" → "500". */
export function plainAmount(typed: string, currency: string): string {
  let text = typed.trim();
  for (const symbol of currencySymbols(currency)) {
    if (text.toUpperCase().startsWith(symbol.toUpperCase())) text = text.slice(symbol.length);
    else if (text.toUpperCase().endsWith(symbol.toUpperCase())) text = text.slice(0, text.length - symbol.length);
  }
  const plain = plainNumber(text);
  return PLAIN.test(plain) ? plain : typed.trim();
}
