import cProfile, runpy, time, os
_pr = cProfile.Profile()
_t = time.perf_counter()
_pr.enable()
try:
    runpy.run_path("/work/main/dashboard.py", run_name="__main__")
finally:
    _pr.disable()
    n = len([f for f in os.listdir("/work/meas/s36") if f.startswith("srv_script")])
    print("script", time.perf_counter() - _t, flush=True)
    _pr.dump_stats(f"/work/meas/s36/srv_script{n}.prof")
