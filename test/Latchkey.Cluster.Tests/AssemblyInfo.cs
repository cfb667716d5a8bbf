// The tests start server processes, kill Redis and stop PostgreSQL; run one at a time so that the
// measured propagation delays are not inflated by another test's load on a small machine, and a
// fault injected by one test never meets another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
