-- GET the URL given to wrk as it is (list variants, count, search).
package.path = "benchmarks/wrk/?.lua;" .. package.path
local c = require("common")
c.headers(false)
