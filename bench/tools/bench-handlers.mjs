// The bench configs' tools.handlers_module: bench-tools' lookup_order, answered at once (the
// benchmark measures the loop's own cost, not a tool's).
const SHIPPED = { status: 'shipped', carrier: 'DHL', eta: '2 days' };

export function lookup_order({ order_id }) {
  return { order_id, ...SHIPPED };
}
