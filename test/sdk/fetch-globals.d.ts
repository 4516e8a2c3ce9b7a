// The generated fetch client (test/sdk/generated/client) names the DOM's `BodyInit`
// type. This project compiles without the DOM library; Node's own fetch types
// (undici-types, which @types/node ships) define the same type, so it is declared from
// there (with "DOM" in `lib` this file would merely be redundant).
declare global {
  type BodyInit = import('undici-types').BodyInit;
}

export {};
