/** One page of a list, as a service returns it; the envelope hook wraps it. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly page: number,
    readonly perPage: number,
    readonly totalItems: number,
  ) {}

  get totalPages(): number {
    return Math.ceil(this.totalItems / this.perPage);
  }

  map<U>(mapper: (item: T) => U): Page<U> {
    return new Page(this.items.map(mapper), this.page, this.perPage, this.totalItems);
  }
}

export interface PageRequest {
  page: number;
  perPage: number;
}

export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}
