/*
 * compliance-agent-service.exe: the Windows service host of the WeGroup compliance agent.
 *
 * node.exe cannot answer the service control manager itself, so this small program does: it registers the service
 * "ComplianceAgent", runs `node.exe <flags> agent.cjs run` (both beside this exe) in a job object that dies with it,
 * with COMPLIANCE_AGENT_CONTROL=stdin, and forwards the control codes over node's stdin (presence contract):
 *   SERVICE_CONTROL_STOP                       -> "stop service-stop"
 *   SERVICE_CONTROL_SHUTDOWN / PRESHUTDOWN     -> "stop system-shutdown"
 *   power event PBT_APMSUSPEND                 -> "sleep"
 *   power event PBT_APMRESUMEAUTOMATIC         -> "resume"
 * and terminates the job if node has not exited 10 s after a stop. When node exits on its own the host starts it
 * again (5 s, doubling to 60 s) and the service stays running; if the host itself dies, the service's failure
 * actions (set by the MSI) restart the service.
 *
 * Silent enrollment: the MSI stores SERVER_URL / ENROLL_SECRET in HKLM\SOFTWARE\WeGroup\ComplianceAgent (a key only
 * SYSTEM and Administrators may read). At start, before node runs, the host writes
 * %ProgramData%\ComplianceAgent\enroll.json with an admin-only ACL and deletes the secret from the registry.
 *
 * Other modes, run by the MSI's custom actions (as SYSTEM):
 *   --goodbye REASON   write REASON to %ProgramData%\ComplianceAgent\goodbye-reason (before the MSI stops the service)
 *   --purge            remove %ProgramData%\ComplianceAgent and the enrollment key (full uninstall, after the
 *                      service is deleted)
 */
#define WIN32_LEAN_AND_MEAN
#define INITGUID
#ifndef UNICODE
#define UNICODE
#endif
#define _UNICODE
#include <windows.h>
#include <sddl.h>
#include <shlobj.h>
#include <knownfolders.h>
#include <objbase.h>
#include <stdio.h>
#include <wchar.h>

#define SERVICE_NAME L"ComplianceAgent"
#define REG_KEY L"SOFTWARE\\WeGroup\\ComplianceAgent"
#define STOP_GRACE_MS 10000
/* SYSTEM and Administrators only, not inherited from the parent. */
#define ADMIN_ONLY_SDDL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
#define NODE_FLAGS L"--jitless --max-old-space-size=64 --max-semi-space-size=1 --v8-pool-size=1 --disable-wasm-trap-handler"

static SERVICE_STATUS_HANDLE g_status_handle;
static SERVICE_STATUS g_status;
static HANDLE g_stop_event;     /* set when a stop was asked for */
static HANDLE g_node_stdin;     /* write end of node's stdin */
static HANDLE g_job;
static CRITICAL_SECTION g_lock;
static volatile LONG g_stopping;

static void log_line(const wchar_t *fmt, ...);

static void report(DWORD state, DWORD exit_code, DWORD wait_hint) {
  static DWORD checkpoint = 1;
  g_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  g_status.dwCurrentState = state;
  g_status.dwWin32ExitCode = exit_code;
  g_status.dwServiceSpecificExitCode = 0;
  g_status.dwWaitHint = wait_hint;
  g_status.dwControlsAccepted =
      state == SERVICE_START_PENDING ? 0 : SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_POWEREVENT;
  g_status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : checkpoint++;
  SetServiceStatus(g_status_handle, &g_status);
}

/* The ProgramData folder as the system knows it (not from the environment: an installer's custom action and the
   service may be handed different ones — Wine does). */
static void program_data(wchar_t *out, size_t size) {
  PWSTR known = NULL;
  if (SUCCEEDED(SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &known)) && known != NULL && wcslen(known) < size) {
    wcscpy(out, known);
  } else {
    DWORD n = GetEnvironmentVariableW(L"ProgramData", out, (DWORD)size);
    if (n == 0 || n >= size) wcscpy(out, L"C:\\ProgramData");
  }
  if (known != NULL) CoTaskMemFree(known);
}

/* %ProgramData%\ComplianceAgent (created admin-only when missing). */
static int state_dir(wchar_t *out, size_t size) {
  wchar_t base[MAX_PATH];
  program_data(base, MAX_PATH);
  if (_snwprintf(out, size, L"%ls\\ComplianceAgent", base) < 0) return 0;
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
  if (ConvertStringSecurityDescriptorToSecurityDescriptorW(ADMIN_ONLY_SDDL, SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL)) {
    CreateDirectoryW(out, &sa);
    LocalFree(sa.lpSecurityDescriptor);
  } else {
    CreateDirectoryW(out, NULL);
  }
  return 1;
}

static void log_line(const wchar_t *fmt, ...) {
  wchar_t dir[MAX_PATH], path[MAX_PATH], text[1024];
  va_list args;
  va_start(args, fmt);
  _vsnwprintf(text, 1023, fmt, args);
  text[1023] = 0;
  va_end(args);
  if (!state_dir(dir, MAX_PATH)) return;
  _snwprintf(path, MAX_PATH, L"%ls\\service-host.log", dir);
  FILE *f = _wfopen(path, L"a");
  if (f == NULL) return;
  SYSTEMTIME t;
  GetSystemTime(&t);
  fwprintf(f, L"%04d-%02d-%02dT%02d:%02d:%02dZ %ls\n", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, text);
  fclose(f);
}

/* Writes bytes to a file created with the admin-only ACL (replacing it). */
static int write_admin_only(const wchar_t *path, const char *data, DWORD len) {
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(ADMIN_ONLY_SDDL, SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL)) return 0;
  DeleteFileW(path); /* CREATE_ALWAYS keeps an existing file's ACL: start from none */
  HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  LocalFree(sa.lpSecurityDescriptor);
  if (h == INVALID_HANDLE_VALUE) return 0;
  DWORD written = 0;
  BOOL ok = WriteFile(h, data, len, &written, NULL) && written == len;
  CloseHandle(h);
  return ok;
}

/* Appends a JSON string (quoted, escaped) of a UTF-16 value to buf as UTF-8. */
static size_t json_string(char *buf, size_t at, size_t size, const wchar_t *value) {
  char utf8[4096];
  int n = WideCharToMultiByte(CP_UTF8, 0, value, -1, utf8, sizeof utf8, NULL, NULL);
  if (n <= 0) utf8[0] = 0;
  if (at < size) buf[at++] = '"';
  for (const unsigned char *p = (const unsigned char *)utf8; *p && at + 7 < size; p++) {
    if (*p == '"' || *p == '\\') {
      buf[at++] = '\\';
      buf[at++] = (char)*p;
    } else if (*p < 0x20) {
      at += (size_t)snprintf(buf + at, size - at, "\\u%04x", *p);
    } else {
      buf[at++] = (char)*p;
    }
  }
  if (at < size) buf[at++] = '"';
  return at;
}

static int read_reg_string(HKEY key, const wchar_t *name, wchar_t *out, DWORD chars) {
  DWORD type = 0, bytes = chars * sizeof(wchar_t);
  if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)out, &bytes) != ERROR_SUCCESS || type != REG_SZ) return 0;
  out[chars - 1] = 0;
  out[bytes / sizeof(wchar_t) < chars ? bytes / sizeof(wchar_t) : chars - 1] = 0;
  return out[0] != 0;
}

/* The MSI's SERVER_URL / ENROLL_SECRET (registry, admin-only) -> enroll.json (admin-only ACL); the secret leaves the registry. */
static void enrollment_config_from_registry(const wchar_t *dir) {
  HKEY key;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, REG_KEY, 0, KEY_READ | KEY_SET_VALUE | KEY_WOW64_64KEY, &key) != ERROR_SUCCESS) return;
  wchar_t server[2048], secret[1024], enrollment[MAX_PATH], config[MAX_PATH];
  int has_server = read_reg_string(key, L"ServerURL", server, 2048);
  int has_secret = read_reg_string(key, L"EnrollSecret", secret, 1024);
  if (has_secret) {
    _snwprintf(enrollment, MAX_PATH, L"%ls\\enrollment.json", dir);
    _snwprintf(config, MAX_PATH, L"%ls\\enroll.json", dir);
    if (GetFileAttributesW(enrollment) != INVALID_FILE_ATTRIBUTES) {
      log_line(L"already enrolled: the installer's ENROLL_SECRET is not used");
    } else if (!has_server) {
      log_line(L"ENROLL_SECRET given without SERVER_URL: nothing written; reinstall with both");
    } else {
      char json[8192];
      size_t at = (size_t)snprintf(json, sizeof json, "{\"server\": ");
      at = json_string(json, at, sizeof json, server);
      at += (size_t)snprintf(json + at, sizeof json - at, ", \"secret\": ");
      at = json_string(json, at, sizeof json, secret);
      at += (size_t)snprintf(json + at, sizeof json - at, "}\n");
      if (write_admin_only(config, json, (DWORD)at)) log_line(L"enrollment configuration written to %ls for %ls", config, server);
      else log_line(L"cannot write %ls (error %lu)", config, GetLastError());
    }
    SecureZeroMemory(secret, sizeof secret);
    RegDeleteValueW(key, L"EnrollSecret");
  }
  RegCloseKey(key);
}

static void send_line(const char *line) {
  EnterCriticalSection(&g_lock);
  if (g_node_stdin != NULL) {
    DWORD written;
    if (!WriteFile(g_node_stdin, line, (DWORD)strlen(line), &written, NULL)) log_line(L"cannot write to node's stdin (error %lu)", GetLastError());
  }
  LeaveCriticalSection(&g_lock);
}

static void request_stop(const char *line) {
  if (InterlockedExchange(&g_stopping, 1) != 0) return;
  report(SERVICE_STOP_PENDING, NO_ERROR, STOP_GRACE_MS + 5000);
  send_line(line);
  SetEvent(g_stop_event);
}

static DWORD WINAPI control_handler(DWORD control, DWORD event_type, LPVOID event_data, LPVOID context) {
  (void)event_data;
  (void)context;
  switch (control) {
    case SERVICE_CONTROL_STOP:
      log_line(L"stop requested by the service manager");
      request_stop("stop service-stop\n");
      return NO_ERROR;
    case SERVICE_CONTROL_PRESHUTDOWN:
    case SERVICE_CONTROL_SHUTDOWN:
      log_line(L"system shutdown");
      request_stop("stop system-shutdown\n");
      return NO_ERROR;
    case SERVICE_CONTROL_POWEREVENT:
      if (event_type == PBT_APMSUSPEND) send_line("sleep\n");
      else if (event_type == PBT_APMRESUMEAUTOMATIC) send_line("resume\n");
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

/* Starts node in the job; answers its process handle or NULL. */
static HANDLE start_node(const wchar_t *dir, const wchar_t *state) {
  wchar_t exe[MAX_PATH], cmd[4 * MAX_PATH], logpath[MAX_PATH];
  _snwprintf(exe, MAX_PATH, L"%ls\\node.exe", dir);
  _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" " NODE_FLAGS L" \"%ls\\agent.cjs\" run", exe, dir);
  _snwprintf(logpath, MAX_PATH, L"%ls\\agent.log", state);

  SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
  HANDLE read_end, write_end;
  if (!CreatePipe(&read_end, &write_end, &inherit, 0)) return NULL;
  SetHandleInformation(write_end, HANDLE_FLAG_INHERIT, 0);
  /* The agent's JSON log: appended to agent.log in the state dir (admin-only). */
  HANDLE out = CreateFileW(logpath, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);

  /* The agent derives its state dir and enroll.json from %ProgramData%: the same folder as this host's. */
  wchar_t base[MAX_PATH];
  program_data(base, MAX_PATH);
  SetEnvironmentVariableW(L"ProgramData", base);
  SetEnvironmentVariableW(L"COMPLIANCE_AGENT_CONTROL", L"stdin");
  SetEnvironmentVariableW(L"UV_THREADPOOL_SIZE", L"2");
  STARTUPINFOW si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = read_end;
  si.hStdOutput = out;
  si.hStdError = out;
  PROCESS_INFORMATION pi;
  BOOL ok = CreateProcessW(exe, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED | CREATE_NO_WINDOW, NULL, dir, &si, &pi);
  DWORD error = GetLastError();
  CloseHandle(read_end);
  if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
  if (!ok) {
    CloseHandle(write_end);
    log_line(L"cannot start %ls (error %lu)", exe, error);
    return NULL;
  }
  if (!AssignProcessToJobObject(g_job, pi.hProcess)) log_line(L"cannot put node in the job object (error %lu)", GetLastError());
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  EnterCriticalSection(&g_lock);
  g_node_stdin = write_end;
  LeaveCriticalSection(&g_lock);
  log_line(L"started node (pid %lu)", pi.dwProcessId);
  return pi.hProcess;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv) {
  (void)argc;
  (void)argv;
  g_status_handle = RegisterServiceCtrlHandlerExW(SERVICE_NAME, control_handler, NULL);
  if (g_status_handle == NULL) return;
  report(SERVICE_START_PENDING, NO_ERROR, 5000);

  wchar_t dir[MAX_PATH], state[MAX_PATH];
  GetModuleFileNameW(NULL, dir, MAX_PATH);
  wchar_t *slash = wcsrchr(dir, L'\\');
  if (slash != NULL) *slash = 0;
  if (!state_dir(state, MAX_PATH)) {
    report(SERVICE_STOPPED, ERROR_PATH_NOT_FOUND, 0);
    return;
  }
  enrollment_config_from_registry(state);

  g_stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  g_job = CreateJobObjectW(NULL, NULL);
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
  ZeroMemory(&limits, sizeof limits);
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  SetInformationJobObject(g_job, JobObjectExtendedLimitInformation, &limits, sizeof limits);

  /* node is supervised here: when it exits on its own (the server unreachable at first enrollment, a crash) it is
     started again after 5 s, doubling to 60 s, while the service stays running. If this host itself dies, the
     service's failure actions (set by the MSI) restart the service. */
  HANDLE node = start_node(dir, state);
  if (node == NULL) {
    report(SERVICE_STOPPED, ERROR_FILE_NOT_FOUND, 0);
    return;
  }
  report(SERVICE_RUNNING, NO_ERROR, 0);

  DWORD backoff_ms = 5000;
  for (;;) {
    DWORD started = GetTickCount();
    HANDLE waits[2] = {node, g_stop_event};
    DWORD which = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
    if (which != WAIT_OBJECT_0 || g_stopping) break;
    DWORD exit_code = 0;
    GetExitCodeProcess(node, &exit_code);
    CloseHandle(node);
    node = NULL;
    EnterCriticalSection(&g_lock);
    if (g_node_stdin != NULL) CloseHandle(g_node_stdin);
    g_node_stdin = NULL;
    LeaveCriticalSection(&g_lock);
    if (GetTickCount() - started > 60000) backoff_ms = 5000;
    log_line(L"node exited on its own (code %lu): starting it again in %lu s", exit_code, backoff_ms / 1000);
    if (WaitForSingleObject(g_stop_event, backoff_ms) == WAIT_OBJECT_0) break;
    backoff_ms = backoff_ms * 2 > 60000 ? 60000 : backoff_ms * 2;
    node = start_node(dir, state);
    if (node == NULL) {
      CloseHandle(g_job);
      report(SERVICE_STOPPED, ERROR_FILE_NOT_FOUND, 0);
      return;
    }
  }
  DWORD exit_code = 0;
  if (node != NULL) {
    if (WaitForSingleObject(node, STOP_GRACE_MS) == WAIT_TIMEOUT) {
      log_line(L"node did not exit %d s after the stop: ending its job", STOP_GRACE_MS / 1000);
      TerminateJobObject(g_job, 1);
      WaitForSingleObject(node, 5000);
    }
    GetExitCodeProcess(node, &exit_code);
    CloseHandle(node);
  }
  log_line(L"node exited (code %lu); service stopped", exit_code);
  EnterCriticalSection(&g_lock);
  if (g_node_stdin != NULL) CloseHandle(g_node_stdin);
  g_node_stdin = NULL;
  LeaveCriticalSection(&g_lock);
  CloseHandle(g_job);
  report(SERVICE_STOPPED, NO_ERROR, 0);
}

/* Removes a directory tree (the state dir on a full uninstall). */
static void remove_tree(const wchar_t *dir) {
  wchar_t pattern[MAX_PATH], path[MAX_PATH];
  WIN32_FIND_DATAW fd;
  _snwprintf(pattern, MAX_PATH, L"%ls\\*", dir);
  HANDLE find = FindFirstFileW(pattern, &fd);
  if (find != INVALID_HANDLE_VALUE) {
    do {
      if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
      _snwprintf(path, MAX_PATH, L"%ls\\%ls", dir, fd.cFileName);
      if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) remove_tree(path);
      else {
        SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL);
        DeleteFileW(path);
      }
    } while (FindNextFileW(find, &fd));
    FindClose(find);
  }
  RemoveDirectoryW(dir);
}

int wmain(int argc, wchar_t **argv) {
  InitializeCriticalSection(&g_lock);
  if (argc == 3 && wcscmp(argv[1], L"--goodbye") == 0) {
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    char word[64];
    if (!state_dir(dir, MAX_PATH)) return 1;
    _snwprintf(path, MAX_PATH, L"%ls\\goodbye-reason", dir);
    int n = WideCharToMultiByte(CP_UTF8, 0, argv[2], -1, word, sizeof word - 1, NULL, NULL);
    if (n <= 1) return 2;
    word[n - 1] = '\n';
    return write_admin_only(path, word, (DWORD)n) ? 0 : 1;
  }
  if (argc == 2 && wcscmp(argv[1], L"--purge") == 0) {
    wchar_t dir[MAX_PATH];
    if (!state_dir(dir, MAX_PATH)) return 1;
    remove_tree(dir);
    /* The enrollment key too (the MSI removes its values; the empty keys are ours to remove). */
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, REG_KEY);
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, REG_KEY, KEY_WOW64_64KEY, 0);
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\WeGroup", KEY_WOW64_64KEY, 0); /* fails, as it should, if not empty */
    return 0;
  }
  SERVICE_TABLE_ENTRYW table[] = {{SERVICE_NAME, service_main}, {NULL, NULL}};
  if (!StartServiceCtrlDispatcherW(table)) {
    fwprintf(stderr, L"compliance-agent-service: this is the Windows service host of the compliance agent; the service manager starts it "
                     L"(sc start " SERVICE_NAME L"). Error %lu\n", GetLastError());
    return 1;
  }
  return 0;
}
