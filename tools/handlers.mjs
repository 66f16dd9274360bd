// The example agents' `function` tools (ossa.yaml: tools.handlers_module). Each export is the
// handler of the tool of its name: it gets the arguments the model sent, already checked
// against the tool's input_schema, and returns text or any JSON value.

const ORDERS = {
  'A-1001': { status: 'shipped', carrier: 'DHL', eta: '2 days' },
  'A-1002': { status: 'processing', eta: 'ships tomorrow' },
};

/** customer-support's lookup_order: the status of an order by its number. */
export async function lookup_order({ order_id }, { signal }) {
  signal.throwIfAborted();
  const order = ORDERS[order_id];
  return order ? { order_id, ...order } : { order_id, status: 'not found' };
}
