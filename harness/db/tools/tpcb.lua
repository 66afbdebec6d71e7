-- xcert's TPC-B-like transaction (pgbench's "TPC-B (sort of)") for sysbench 1.0, on the tables
-- harness/db/perf.py setup() creates (xc_accounts, xc_tellers, xc_branches, xc_history).
sysbench.cmdline.options = {
  scale = {"Scale: 1 branch, 10 tellers, 100000 accounts per unit", 1}
}

function thread_init()
  drv = sysbench.sql.driver()
  con = drv:connect()
end

function thread_done()
  con:disconnect()
end

function event()
  local scale = sysbench.opt.scale
  local aid = sysbench.rand.uniform(1, 100000 * scale)
  local tid = sysbench.rand.uniform(1, 10 * scale)
  local bid = sysbench.rand.uniform(1, scale)
  local delta = sysbench.rand.uniform(0, 10000) - 5000
  con:query("BEGIN")
  con:query(string.format("UPDATE xc_accounts SET abalance = abalance + %d WHERE aid = %d", delta, aid))
  con:query(string.format("SELECT abalance FROM xc_accounts WHERE aid = %d", aid))
  con:query(string.format("UPDATE xc_tellers SET tbalance = tbalance + %d WHERE tid = %d", delta, tid))
  con:query(string.format("UPDATE xc_branches SET bbalance = bbalance + %d WHERE bid = %d", delta, bid))
  con:query(string.format(
    "INSERT INTO xc_history (tid, bid, aid, delta, mtime) VALUES (%d, %d, %d, %d, CURRENT_TIMESTAMP)",
    tid, bid, aid, delta))
  con:query("COMMIT")
end
