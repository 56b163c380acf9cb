-- POST tickets/add_reply on a random existing ticket.
package.path = "benchmarks/wrk/?.lua;" .. package.path
local c = require("common")
c.headers(true)
setup = c.setup
init = function(args) c.seed() end
request = function()
  local body = '{"body": "<p>Thanks, we are looking into it and will update you shortly.</p>"}'
  return wrk.format("POST", "/apis/v3/tickets/add_reply?ticket_number=" .. c.ticket(), nil,
                    body)
end
