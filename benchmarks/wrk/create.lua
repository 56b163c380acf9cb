-- POST tickets/create: a new ticket for one of 100 recurring contacts.
package.path = "benchmarks/wrk/?.lua;" .. package.path
local c = require("common")
c.headers(true)
setup = c.setup
init = function(args) c.seed() end
request = function()
  local n = math.random(1, 100)
  local body = '{"email": "bench.customer' .. n .. '@example.com", '
    .. '"subject": "Printer on floor ' .. n .. ' is jammed", '
    .. '"description": "<p>The printer shows error E' .. n .. ' and will not print.</p>", '
    .. '"priority": 10, "status": "Open"}'
  return wrk.format("POST", "/apis/v3/tickets/create", nil, body)
end
