{
  "variables": {
    "loom_blas%": "<!(python3 detect-blas.py)",
    "loom_blas_include%": "<!(python3 detect-blas.py include)",
    "loom_sanitize%": "<!(python3 -c \"import os; print(os.environ.get('LOOM_NATIVE_ASAN', '0'))\")"
  },
  "targets": [
    {
      "target_name": "loom_native",
      "sources": ["src/addon.cc", "src/dispatch.cc", "src/elementwise.cc", "src/gemm.cc", "src/gemm_own.cc", "src/rows.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=gnu++17", "-O3", "-fno-trapping-math", "-fno-math-errno", "-Wall", "-Wextra"],
      "conditions": [
        ["loom_blas==1", {
          "defines": ["LOOM_HAVE_BLAS"],
          "include_dirs": ["<(loom_blas_include)"],
          "libraries": ["-lopenblas"]
        }],
        ["loom_sanitize==1", {
          "cflags_cc": ["-fsanitize=address", "-fno-omit-frame-pointer", "-O1", "-g"],
          "ldflags": ["-fsanitize=address"]
        }]
      ]
    }
  ]
}
