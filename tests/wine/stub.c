/*
 * sogen test stub: a stand-in for ARMLOAD, ARMKILL, net, isql, ... under Wine.
 *
 * One binary, copied under every command name the batch scripts call.  Each
 * time it runs it appends ONE line to the file named by the environment
 * variable SOGEN_TRACE_LOG:
 *
 *     <NAME> <arguments exactly as cmd.exe passed them>
 *
 *   NAME       the stub's own file name without ".exe", as it is on disk
 *              (so "c:\mssql\binn\isql /Usa" is logged as "isql /Usa").
 *   arguments  the raw rest of GetCommandLineW() after the program-name part
 *              (quotes kept, leading blanks removed, trailing blanks removed).
 *              A stub called without arguments logs just "NAME".
 *
 * The line is UTF-8 (converted from UTF-16), terminated by "\n", so Japanese
 * ARMBCAST messages survive whatever code page the batch file used.
 *
 * Exit code: 0, or the integer in the environment variable
 * SOGEN_STUB_RC_<NAME> (e.g. SOGEN_STUB_RC_NET=2) so tests can exercise
 * "IF ERRORLEVEL" branches.  Without SOGEN_TRACE_LOG the line goes to stdout.
 * If the log cannot be opened, the stub writes "sogen-stub: ..." to stderr and
 * exits with 254 (the harness turns that into an error).
 *
 * Built without the C runtime (no msvcrt import: smaller, faster to start):
 *   x86_64-w64-mingw32-gcc -O2 -s -nostdlib -ffreestanding -fno-builtin \
 *       -fno-tree-loop-distribute-patterns -e stub_entry -o stub.exe stub.c \
 *       -lkernel32
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

static int is_blank(wchar_t c) { return c == L' ' || c == L'\t'; }

static size_t wlen(const wchar_t *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static void wcopy(wchar_t *dst, const wchar_t *src, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) dst[i] = src[i];
}

/* Skip argv[0] the way the Microsoft C runtime does: a quoted program name
 * runs to the closing quote, an unquoted one to the first blank.  Then skip
 * the blanks that separate it from the arguments. */
static const wchar_t *skip_program_name(const wchar_t *p)
{
    if (*p == L'"') {
        p++;
        while (*p && *p != L'"') p++;
        if (*p == L'"') p++;
    }
    while (*p && !is_blank(*p)) p++;
    while (is_blank(*p)) p++;
    return p;
}

static void write_all(HANDLE h, const char *buf, DWORD n)
{
    DWORD done;
    while (n > 0) {
        if (!WriteFile(h, buf, n, &done, NULL) || done == 0) return;
        buf += done;
        n -= done;
    }
}

static HANDLE open_log(const wchar_t *path)
{
    int attempt;
    for (attempt = 0; attempt < 200; attempt++) {
        HANDLE h = CreateFileW(path, FILE_APPEND_DATA | GENERIC_WRITE,
                               FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                               OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) return h;
        if (GetLastError() != ERROR_SHARING_VIOLATION) break;
        Sleep(5);
    }
    return INVALID_HANDLE_VALUE;
}

static UINT exit_code_for(const wchar_t *name)
{
    wchar_t var[300];
    wchar_t val[32];
    static const wchar_t prefix[] = L"SOGEN_STUB_RC_";
    size_t np = wlen(prefix), nn = wlen(name);
    DWORD got;
    UINT rc = 0;
    int neg = 0;
    const wchar_t *p;

    if (np + nn + 1 > sizeof(var) / sizeof(var[0])) return 0;
    wcopy(var, prefix, np);
    wcopy(var + np, name, nn);
    var[np + nn] = 0;
    got = GetEnvironmentVariableW(var, val, sizeof(val) / sizeof(val[0]));
    if (got == 0 || got >= sizeof(val) / sizeof(val[0])) return 0;
    p = val;
    while (is_blank(*p)) p++;
    if (*p == L'-') { neg = 1; p++; }
    while (*p >= L'0' && *p <= L'9') rc = rc * 10 + (UINT)(*p++ - L'0');
    return neg ? (UINT)(-(int)rc) : rc;
}

void stub_entry(void)
{
    HANDLE heap = GetProcessHeap();
    wchar_t module[MAX_PATH + 1];
    wchar_t name[MAX_PATH + 1];
    DWORD mlen;
    size_t start, end, i, nlen, alen, total;
    const wchar_t *args;
    wchar_t *line;
    char *utf8;
    int ulen;
    wchar_t logpath[1024];
    DWORD loglen;
    HANDLE h;
    int to_stdout = 0;

    /* Our own name: basename of the module file, extension dropped. */
    mlen = GetModuleFileNameW(NULL, module, MAX_PATH);
    module[mlen] = 0;
    start = 0;
    for (i = 0; i < mlen; i++)
        if (module[i] == L'\\' || module[i] == L'/' || module[i] == L':') start = i + 1;
    end = mlen;
    for (i = mlen; i > start; i--)
        if (module[i - 1] == L'.') { end = i - 1; break; }
    nlen = end - start;
    wcopy(name, module + start, nlen);
    name[nlen] = 0;

    /* Raw argument text, without the program name and trailing blanks. */
    args = skip_program_name(GetCommandLineW());
    alen = wlen(args);
    while (alen > 0 && (is_blank(args[alen - 1]) || args[alen - 1] == L'\r' ||
                        args[alen - 1] == L'\n'))
        alen--;

    total = nlen + (alen ? 1 + alen : 0);
    line = HeapAlloc(heap, 0, (total + 2) * sizeof(wchar_t));
    if (!line) ExitProcess(255);
    wcopy(line, name, nlen);
    if (alen) {
        line[nlen] = L' ';
        wcopy(line + nlen + 1, args, alen);
    }
    line[total] = L'\n';
    line[total + 1] = 0;

    ulen = WideCharToMultiByte(CP_UTF8, 0, line, (int)(total + 1), NULL, 0, NULL, NULL);
    utf8 = HeapAlloc(heap, 0, (SIZE_T)ulen + 1);
    if (!utf8) ExitProcess(255);
    WideCharToMultiByte(CP_UTF8, 0, line, (int)(total + 1), utf8, ulen, NULL, NULL);

    loglen = GetEnvironmentVariableW(L"SOGEN_TRACE_LOG", logpath,
                                     sizeof(logpath) / sizeof(logpath[0]));
    if (loglen == 0 || loglen >= sizeof(logpath) / sizeof(logpath[0])) {
        to_stdout = 1;
        h = GetStdHandle(STD_OUTPUT_HANDLE);
    } else {
        h = open_log(logpath);
        if (h == INVALID_HANDLE_VALUE) {
            /* Say so on stderr: the harness looks for "sogen-stub:" in the output. */
            static const char msg[] = "sogen-stub: cannot open SOGEN_TRACE_LOG; lost line: ";
            HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
            write_all(err, msg, sizeof(msg) - 1);
            write_all(err, utf8, (DWORD)ulen);
            ExitProcess(254);
        }
    }
    if (!to_stdout) {
        /* Append explicitly and flush before exiting: the next stub of the same run
           opens the log at once, and a write it overtook would be lost. */
        SetFilePointer(h, 0, NULL, FILE_END);
    }
    write_all(h, utf8, (DWORD)ulen);
    if (!to_stdout) {
        FlushFileBuffers(h);
        CloseHandle(h);
    }

    ExitProcess(exit_code_for(name));
}
