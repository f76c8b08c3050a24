# CPU time per request, for the benchmark scripts (sourced by bench/run.sh and bench/pg-driver/run.sh).

# cpu_ticks PID...: the user and system CPU time the processes have used, in clock ticks.
cpu_ticks() {
    local total=0 pid ticks
    for pid in "$@"; do
        ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + ticks))
    done
    echo "$total"
}

# per_request TICKS REQUESTS: microseconds of CPU per request.
per_request() {
    python3 -c "import os, sys; print(f'{int(sys.argv[1]) * 1e6 / os.sysconf(\"SC_CLK_TCK\") / int(sys.argv[2]):.0f}')" "$1" "$2"
}
