-- GET tickets/details of a random existing ticket.
package.path = "benchmarks/wrk/?.lua;" .. package.path
local c = require("common")
c.headers(false)
setup = c.setup
init = function(args) c.seed() end
request = function()
  return wrk.format("GET", "/apis/v3/tickets/details?ticket_number=" .. c.ticket())
end
