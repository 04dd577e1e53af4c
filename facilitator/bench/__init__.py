"""`facilitator bench`: a load generator over real websockets, and a bare reference stack."""
