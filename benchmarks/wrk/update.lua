-- PUT tickets/update on a random existing ticket: priority and status change.
package.path = "benchmarks/wrk/?.lua;" .. package.path
local c = require("common")
c.headers(true)
setup = c.setup
init = function(args) c.seed() end
local priorities = {1, 5, 10, 20}
local statuses = {"Open", "Pending"}
request = function()
  local body = '{"priority": ' .. priorities[math.random(1, 4)]
    .. ', "status": "' .. statuses[math.random(1, 2)] .. '"}'
  return wrk.format("PUT", "/apis/v3/tickets/update?ticket_number=" .. c.ticket(), nil, body)
end
