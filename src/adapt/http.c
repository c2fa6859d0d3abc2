#include "adapt/http.h"

/* Calls go through the table `cl` below, so curl's type-checking macros
 * (which expand to direct calls) are not used. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/clock.h"
#include "util/log.h"

struct http_client {
	CURL *curl;
	long connect_timeout_ms;
	long timeout_ms;
	char *noproxy;     /* owned, may be NULL */
	char *ca_file;     /* owned, may be NULL */
	char *user_agent;  /* owned */
	const atomic_bool *cancel;  /* borrowed, may be NULL */
};

/*
 * libcurl, loaded on first use. Linked in, it and the libraries it pulls
 * (GnuTLS, Kerberos, LDAP, SSH, ...) cost every certdesk process about
 * 4 ms before main(), most of a one-shot `certdesk print`; only sync and
 * the SMS gateway need it. The table has exactly the functions this file
 * calls, with curl.h's own signatures.
 */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *curl);
	void (*easy_reset)(CURL *curl);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	void (*free)(void *p);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	CURLU *(*url)(void);
	void (*url_cleanup)(CURLU *handle);
	CURLUcode (*url_get)(const CURLU *handle, CURLUPart what, char **part, unsigned int flags);
	CURLUcode (*url_set)(CURLU *handle, CURLUPart what, const char *part, unsigned int flags);
} cl;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;
static char load_error[256];

/* dlsym into a function pointer of the right type. */
#define LOAD(lib, member, symbol)                                                   \
	(*(void **)&cl.member = dlsym(lib, symbol)) != NULL

static void global_init(void)
{
	/* The soname of libcurl 7.x and 8.x (Debian's libcurl4). */
	void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(load_error, sizeof load_error, "%s", dlerror());
		return;
	}
	if (!(LOAD(lib, global_init, "curl_global_init") && LOAD(lib, easy_init, "curl_easy_init") &&
	      LOAD(lib, easy_cleanup, "curl_easy_cleanup") && LOAD(lib, easy_reset, "curl_easy_reset") &&
	      LOAD(lib, easy_setopt, "curl_easy_setopt") &&
	      LOAD(lib, easy_perform, "curl_easy_perform") &&
	      LOAD(lib, easy_getinfo, "curl_easy_getinfo") &&
	      LOAD(lib, easy_strerror, "curl_easy_strerror") && LOAD(lib, free, "curl_free") &&
	      LOAD(lib, slist_append, "curl_slist_append") &&
	      LOAD(lib, slist_free_all, "curl_slist_free_all") && LOAD(lib, url, "curl_url") &&
	      LOAD(lib, url_cleanup, "curl_url_cleanup") && LOAD(lib, url_get, "curl_url_get") &&
	      LOAD(lib, url_set, "curl_url_set"))) {
		snprintf(load_error, sizeof load_error, "%s", dlerror());
		memset(&cl, 0, sizeof cl);
		return; /* never closed: the process keeps what it loaded */
	}
	global_rc = cl.global_init(CURL_GLOBAL_DEFAULT);
}
#undef LOAD

/* strdup of an optional string; false only when out of memory. */
static bool dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return true;
	*out = strdup(s);
	return *out != NULL;
}

enum status http_client_new(const struct http_options *opt, struct http_client **out,
			    struct err *e)
{
	static const struct http_options none;
	if (!opt)
		opt = &none;
	*out = NULL;
	pthread_once(&global_once, global_init);
	if (!cl.easy_init)
		return err_set(e, ST_INTERNAL, "无法载入网络组件 libcurl（%s）：请安装 libcurl4 后重试",
			       load_error);
	if (global_rc != CURLE_OK)
		return err_set(e, ST_INTERNAL, "网络组件初始化失败（libcurl：%s）",
			       cl.easy_strerror(global_rc));
	struct http_client *c = calloc(1, sizeof *c);
	if (!c)
		return err_status(e, ST_NOMEM);
	c->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : HTTP_TIMEOUT_MS;
	c->connect_timeout_ms =
		opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : HTTP_CONNECT_TIMEOUT_MS;
	c->cancel = opt->cancel;
	if (!dup_opt(opt->noproxy, &c->noproxy) || !dup_opt(opt->ca_file, &c->ca_file) ||
	    !dup_opt(opt->user_agent ? opt->user_agent : "certdesk/" CERTDESK_VERSION,
		     &c->user_agent)) {
		http_client_free(c);
		return err_status(e, ST_NOMEM);
	}
	c->curl = cl.easy_init();
	if (!c->curl) {
		http_client_free(c);
		return err_set(e, ST_INTERNAL, "网络组件初始化失败（libcurl）");
	}
	*out = c;
	return ST_OK;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	if (c->curl)
		cl.easy_cleanup(c->curl);
	free(c->noproxy);
	free(c->ca_file);
	free(c->user_agent);
	free(c);
}

void http_url_host(const char *url, char *out, size_t outsz)
{
	snprintf(out, outsz, "?");
	pthread_once(&global_once, global_init);
	CURLU *u = cl.url ? cl.url() : NULL;
	if (!u)
		return;
	char *host = NULL, *port = NULL;
	if (url && cl.url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    cl.url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (cl.url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
			snprintf(out, outsz, "%s:%s", host, port);
		else
			snprintf(out, outsz, "%s", host);
	}
	cl.free(host);
	cl.free(port);
	cl.url_cleanup(u);
}

enum status http_check_code(const char *url, long code, struct err *e)
{
	if (code >= 200 && code < 300)
		return ST_OK;
	char host[300];
	http_url_host(url, host, sizeof host);
	if (code == 401 || code == 403)
		return err_set(e, ST_DENIED, "服务器 %s 拒绝了请求（HTTP %ld），请检查访问令牌",
			       host, code);
	if (code >= 400 && code < 500)
		return err_set(e, ST_INVALID, "服务器 %s 不接受此请求（HTTP %ld）", host, code);
	if (code >= 500 && code < 600)
		return err_set(e, ST_NET, "服务器 %s 出错（HTTP %ld），请稍后再试", host, code);
	if (code >= 300 && code < 400)
		return err_set(e, ST_INVALID, "服务器 %s 要求转到别的地址（HTTP %ld），请检查设置的地址",
			       host, code);
	return err_set(e, ST_INVALID, "服务器 %s 的应答无法识别（HTTP %ld）", host, code);
}

/* The write callback's state: the caller's buffer and whether the cap was hit. */
struct sink {
	struct buf *b;
	bool too_big;
	bool nomem;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;
	if (!s->b)
		return len;
	if (len > s->b->cap - s->b->len) {
		s->too_big = true;
		return 0; /* any other count makes curl stop with CURLE_WRITE_ERROR */
	}
	if (!buf_add(s->b, p, len)) {
		s->nomem = true;
		return 0;
	}
	return len;
}

/* Who may stop a transfer: the client's cancel flag (another thread) and
 * the request's progress hook (this thread); either may be absent. */
struct stopper {
	const atomic_bool *cancel;
	bool (*progress)(void *ctx, long long got, long long total);
	void *ctx;
};

/* Called by libcurl during a transfer, as data moves and at least once a
 * second even while nothing arrives: non-zero aborts it
 * (CURLE_ABORTED_BY_CALLBACK, i.e. ST_CANCELLED). */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)ultotal, (void)ulnow;
	const struct stopper *s = arg;
	if (s->cancel && atomic_load(s->cancel))
		return 1;
	if (s->progress && s->progress(s->ctx, (long long)dlnow, dltotal > 0 ? (long long)dltotal : 0))
		return 1;
	return 0;
}

/* The header callback's state: which header the caller wants, and where its
 * value goes. */
struct header_sink {
	const char *name;
	size_t name_len;
	char *out;
	size_t outsz;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct header_sink *h = arg;
	size_t len = size * n;
	/* Each call is one whole header line ("Name: value\r\n"); a new
	 * response (after "100 Continue") starts over. */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		h->out[0] = '\0';
		return len;
	}
	if (len <= h->name_len || p[h->name_len] != ':' || strncasecmp(p, h->name, h->name_len) != 0)
		return len;
	const char *v = p + h->name_len + 1, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t vl = (size_t)(end - v) < h->outsz - 1 ? (size_t)(end - v) : h->outsz - 1;
	memcpy(h->out, v, vl);
	h->out[vl] = '\0';
	return len;
}

/* A header value must not smuggle in another header or request. */
static bool header_ok(const char *h)
{
	return h && !strpbrk(h, "\r\n");
}

/* What a finished transfer left in the handle, read before the handle is reset. */
struct outcome {
	long code;             /* HTTP status, 0 when none */
	curl_off_t connect_us; /* 0: the TCP connection was never made */
	long os_errno;         /* errno of a failed connect */
};

/* Map a failed transfer to a status and a message naming the server. */
static enum status transfer_error(const struct http_client *c, CURLcode rc, const char *host,
				  long timeout_ms, long connect_ms, const struct outcome *o,
				  const struct sink *sink, const char *detail, struct err *e)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		if (o->connect_us == 0)
			return err_set(e, ST_TIMEOUT, "连接 %s 超时（%.1f 秒内未能连通）", host,
				       (double)connect_ms / 1000.0);
		return err_set(e, ST_TIMEOUT, "连接 %s 超时（%.1f 秒内未收到完整应答）", host,
			       (double)timeout_ms / 1000.0);
	case CURLE_COULDNT_CONNECT:
		if (o->os_errno == ECONNREFUSED)
			return err_set(e, ST_NET, "无法连接 %s：对方拒绝连接（服务未运行或端口不对）",
				       host);
		if (o->os_errno == ENETUNREACH || o->os_errno == EHOSTUNREACH)
			return err_set(e, ST_NET, "无法连接 %s：网络不通", host);
		return err_set(e, ST_NET, "无法连接 %s", host);
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(e, ST_NET, "无法连接 %s：找不到该服务器（域名解析失败）", host);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return err_set(e, ST_NET, "无法连接 %s：找不到代理服务器", host);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return err_set(e, ST_NET, "与 %s 的连接中断，未收到完整应答", host);
	case CURLE_WEIRD_SERVER_REPLY:
		return err_set(e, ST_NET, "%s 的应答不是有效的 HTTP 应答", host);
	case CURLE_SSL_CONNECT_ERROR:
		return err_set(e, ST_NET, "与 %s 建立加密连接失败", host);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(e, ST_INVALID, "%s 的证书未通过验证（不受信任或与地址不符）", host);
	case CURLE_SSL_CACERT_BADFILE:
		return err_set(e, ST_INVALID, "无法读取 CA 证书文件 %s",
			       c->ca_file ? c->ca_file : "（系统默认）");
	case CURLE_URL_MALFORMAT:
		return err_set(e, ST_INVALID, "服务器地址无效");
	case CURLE_UNSUPPORTED_PROTOCOL:
		return err_set(e, ST_INVALID, "服务器地址应以 http:// 或 https:// 开头");
	case CURLE_FILESIZE_EXCEEDED:
		return err_set(e, ST_INVALID, "%s 的应答过大（上限 %zu 字节）", host,
			       sink->b ? sink->b->cap : (size_t)0);
	case CURLE_WRITE_ERROR:
		if (sink->too_big)
			return err_set(e, ST_INVALID, "%s 的应答过大（上限 %zu 字节）", host,
				       sink->b->cap);
		return err_status(e, ST_NOMEM);
	case CURLE_OUT_OF_MEMORY:
		return err_status(e, ST_NOMEM);
	case CURLE_ABORTED_BY_CALLBACK:
		return err_set(e, ST_CANCELLED, "与 %s 的请求已取消", host);
	default:
		return err_set(e, ST_NET, "与 %s 通信失败（%s）", host,
			       detail[0] ? detail : cl.easy_strerror(rc));
	}
}

enum status http_perform(struct http_client *c, const struct http_request *req,
			 struct buf *resp, long *code, struct err *e)
{
	*code = 0;
	const char *method = req->method ? req->method : "GET";
	char host[300];
	http_url_host(req->url, host, sizeof host);
	if (!req->url || (strncasecmp(req->url, "http://", 7) != 0 &&
			  strncasecmp(req->url, "https://", 8) != 0))
		return err_set(e, ST_INVALID, "服务器地址应以 http:// 或 https:// 开头");
	if (!header_ok(method) || (req->content_type && !header_ok(req->content_type)))
		return err_set(e, ST_INVALID, "请求头无效");

	long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->timeout_ms;
	long connect_ms = c->connect_timeout_ms < timeout_ms ? c->connect_timeout_ms : timeout_ms;
	struct sink sink = { .b = resp };
	struct header_sink hsink = { 0 };
	bool want_header = req->want_header && req->header_value && req->header_value_sz > 0;
	if (want_header) {
		hsink = (struct header_sink){ req->want_header, strlen(req->want_header),
					      req->header_value, req->header_value_sz };
		req->header_value[0] = '\0';
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	char ctype[256];
	bool nomem = false;

	/* Without "Expect:", curl waits up to a second for "100 Continue"
	 * before sending a large body. */
	if (req->body) {
		snprintf(ctype, sizeof ctype, "Content-Type: %s",
			 req->content_type ? req->content_type : "application/octet-stream");
		const char *fixed[] = { "Expect:", ctype };
		for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] && !nomem; i++) {
			struct curl_slist *n = cl.slist_append(hdrs, fixed[i]);
			nomem = !n;
			hdrs = n ? n : hdrs;
		}
	}
	for (const char *const *h = req->headers; h && *h && !nomem; h++) {
		if (!header_ok(*h)) {
			cl.slist_free_all(hdrs);
			return err_set(e, ST_INVALID, "请求头无效");
		}
		struct curl_slist *n = cl.slist_append(hdrs, *h);
		nomem = !n;
		hdrs = n ? n : hdrs;
	}
	if (nomem) {
		cl.slist_free_all(hdrs);
		return err_status(e, ST_NOMEM);
	}

	/* The handle was reset after its last request: options are set afresh,
	 * while its open connection is kept and reused (keep-alive). */
	CURL *h = c->curl;
	CURLcode rc = CURLE_OK;
#define SET(opt, val)                                       \
	do {                                                \
		if (rc == CURLE_OK)                         \
			rc = cl.easy_setopt(h, opt, val); \
	} while (0)
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_USERAGENT, c->user_agent);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, &sink);
	if (want_header) {
		SET(CURLOPT_HEADERFUNCTION, on_header);
		SET(CURLOPT_HEADERDATA, &hsink);
	}
	/* Not for HEAD: curl checks the cap against Content-Length, which for a
	 * HEAD is the size of a body that never comes (a blob complete at the
	 * centre would fail every round). */
	if (resp && !(strcmp(method, "HEAD") == 0 && !req->body))
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)resp->cap);
	if (c->noproxy)
		SET(CURLOPT_NOPROXY, c->noproxy);
	if (c->ca_file)
		SET(CURLOPT_CAINFO, c->ca_file);
	if (hdrs)
		SET(CURLOPT_HTTPHEADER, hdrs);
	struct stopper stop = { c->cancel, req->progress, req->progress_ctx };
	if (stop.cancel || stop.progress) {
		SET(CURLOPT_XFERINFOFUNCTION, on_progress);
		SET(CURLOPT_XFERINFODATA, &stop);
		SET(CURLOPT_NOPROGRESS, 0L);
	}
	if (strcmp(method, "GET") == 0 && !req->body) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0 && !req->body) {
		SET(CURLOPT_NOBODY, 1L);
	} else {
		/* POSTFIELDS sends the body with any method; an empty one still
		 * gets "Content-Length: 0". */
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
		SET(CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
		if (strcmp(method, "POST") != 0)
			SET(CURLOPT_CUSTOMREQUEST, method);
	}
#undef SET
	if (rc != CURLE_OK) {
		cl.easy_reset(h);
		cl.slist_free_all(hdrs);
		return rc == CURLE_OUT_OF_MEMORY ? err_status(e, ST_NOMEM)
						 : err_set(e, ST_INTERNAL, "网络请求设置失败（%s）",
							   cl.easy_strerror(rc));
	}

	double t0 = clock_ms();
	rc = cl.easy_perform(h);
	double ms = clock_ms() - t0;
	struct outcome o = { 0 };
	cl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &o.code);
	cl.easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &o.connect_us);
	cl.easy_getinfo(h, CURLINFO_OS_ERRNO, &o.os_errno);
	/* Drop the options now: they point into this stack frame (error
	 * buffer, sink) and the caller's body. The connection stays open. */
	cl.easy_reset(h);
	cl.slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		enum status st =
			transfer_error(c, rc, host, timeout_ms, connect_ms, &o, &sink, errbuf, e);
		/* A stop someone asked for is no fault of the line. */
		log_msg(st == ST_CANCELLED ? LOG_INFO : LOG_WARN,
			"http %s %s: %s (curl %d) after %.0f ms", method, host, status_code(st),
			(int)rc, ms);
		return st;
	}
	*code = o.code;
	log_debug("http %s %s: %ld in %.0f ms", method, host, *code, ms);
	return ST_OK;
}
