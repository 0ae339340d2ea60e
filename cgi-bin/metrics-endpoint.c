/*
 * GET /metrics — the web process' metrics in the Prometheus text format: requests by route,
 * method and status, latency histograms, in-flight requests, database failures, build and
 * process metrics. One registry for all threads, so every scrape sees every request.
 */
#include "app.h"

#include "metrics.h"
#include "metrics_process.h"

int handle_metrics(struct http_ctx *x)
{
	metrics_process_collect();
	x->resp.status = 200;
	http_header_set(&x->resp, x->arena, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	http_header_set(&x->resp, x->arena, "Cache-Control", "no-store");
	if (metrics_render(app.metrics, &x->resp.body) != 0)
		return ERR_NOMEM;
	return 0;
}
