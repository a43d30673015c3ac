# tests/chromium-lib.sh: headless Chromium for the page tests, sourced
# after tests/lib.sh (which gives T, track, wait_for, bail).
#
# start_chromium: start it with a DevTools port of its own choosing and
# a fresh profile in $T/chrome; sets DEVTOOLS to that port, or bails
# with the end of its log when the port does not show within 30 s.
start_chromium() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$T/chrome" --remote-debugging-port=0 \
		--autoplay-policy=no-user-gesture-required about:blank \
		>"$T/chrome.log" 2>&1 &
	track $!
	# DevToolsActivePort: the port, then the browser's path (no newline
	# after it); complete once the path is there.
	if ! wait_for 30 _devtools_ready; then
		sed 's/^/# chromium: /' "$T/chrome.log" | tail -20
		bail "chromium did not open its DevTools port in 30 s"
	fi
	DEVTOOLS=$(head -n 1 "$T/chrome/DevToolsActivePort")
}
_devtools_ready() { grep -q '^/devtools/' "$T/chrome/DevToolsActivePort"; }

# find_chromium: set CHROMIUM and PYTHON (a python3 with the websocket
# module); without them the test skips, or fails under AS_NEED_ALL
# (lib.sh's missing: .ci/run, where .ci/deps installs both).
find_chromium() {
	CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
		missing "chromium is not installed (apt-get install chromium)"
	PYTHON=
	for _p in /usr/bin/python3 python3; do
		if "$_p" -c 'import websocket' 2>/dev/null; then
			PYTHON=$_p
			break
		fi
	done
	[ -n "$PYTHON" ] || missing "python3-websocket is not installed" \
		"(apt-get install python3-websocket)"
}
