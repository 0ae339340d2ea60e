#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_MAX_BYTES 200
#define SUFFIX ".prom"

static bool valid_name(const char *name)
{
	size_t n, sl = sizeof SUFFIX - 1;

	if (name == NULL || name[0] == '.' || strchr(name, '/') != NULL)
		return false;
	n = strlen(name);
	return n > sl && n <= NAME_MAX_BYTES && memcmp(name + n - sl, SUFFIX, sl) == 0;
}

/* dir/name into buf; false when it does not fit. */
static bool join(char *buf, size_t size, const char *dir, const char *prefix, const char *name,
		 const char *suffix)
{
	int n = snprintf(buf, size, "%s/%s%s%s", dir, prefix, name, suffix);

	return n >= 0 && (size_t)n < size;
}

static int check_args(const char *dir, const char *name, struct err *e)
{
	if (dir == NULL || dir[0] == '\0')
		return err_set(e, ERR_INVALID, "textfile: no directory given");
	if (strlen(dir) >= PATH_MAX - NAME_MAX_BYTES - 16)
		return err_set(e, ERR_INVALID, "textfile: directory path too long: %.64s...", dir);
	if (!valid_name(name))
		return err_set(e, ERR_INVALID,
			       "textfile name \"%.64s\" must be STEM.prom (no '/', not hidden, at most "
			       "%d bytes)", name != NULL ? name : "(null)", NAME_MAX_BYTES);
	return 0;
}

/* mkdir -p dir with mode 0755; an existing directory is fine, anything else there is not. */
static int make_dir(const char *dir, struct err *e)
{
	char p[PATH_MAX];
	struct stat st;
	size_t n = strlen(dir);

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		return err_set(e, ERR_IO, "textfile directory %s exists and is not a directory", dir);
	}
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		if (p[i - 1] == '/')
			continue; /* "a//b": the empty component was made already */
		p[i] = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return err_set(e, ERR_IO, "create textfile directory %s: %s", p,
				       strerror(errno));
		p[i] = dir[i];
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_IO, "textfile directory %s could not be created", dir);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO; /* a regular file never does this; do not spin */
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* After the rename: make it survive a crash. Some filesystems refuse fsync on a directory;
 * the file is in place either way, so this is best effort. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int textfile_write(const char *dir, const char *name, const char *data, size_t len,
		   struct err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd = -1, rc;

	if ((rc = check_args(dir, name, e)) != 0)
		return rc;
	if (data == NULL && len > 0)
		return err_set(e, ERR_INVALID, "textfile: no data");
	if (len > TEXTFILE_MAX_BYTES)
		return err_set(e, ERR_LIMIT, "textfile %s/%s: %zu bytes, more than the %zu allowed",
			       dir, name, len, TEXTFILE_MAX_BYTES);
	/* The temporary name starts with '.' and ends in random characters: never "*.prom". */
	if (!join(path, sizeof path, dir, "", name, "") ||
	    !join(tmp, sizeof tmp, dir, ".", name, ".XXXXXX"))
		return err_set(e, ERR_INVALID, "textfile path too long: %.64s/%.64s", dir, name);
	if ((rc = make_dir(dir, e)) != 0)
		return rc;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_IO, "create a temporary file in %s: %s", dir, strerror(errno));
	/* From here on every failure goes to fail, which removes the temporary file. */
	if (fchmod(fd, 0644) != 0) {
		rc = err_set(e, ERR_IO, "chmod %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (write_all(fd, data, len) != 0) {
		rc = err_set(e, ERR_IO, "write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (fsync(fd) != 0) {
		rc = err_set(e, ERR_IO, "fsync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	rc = close(fd);
	fd = -1; /* closed even when close() fails; never close twice */
	if (rc != 0) {
		rc = err_set(e, ERR_IO, "close %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		rc = err_set(e, ERR_IO, "rename %s to %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	sync_dir(dir);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

int textfile_read(const char *dir, const char *name, char **data, size_t *len, struct err *e)
{
	char path[PATH_MAX], *buf = NULL;
	struct stat st;
	size_t size, off = 0;
	int fd, rc;

	*data = NULL;
	if (len != NULL)
		*len = 0;
	if ((rc = check_args(dir, name, e)) != 0)
		return rc;
	if (!join(path, sizeof path, dir, "", name, ""))
		return err_set(e, ERR_INVALID, "textfile path too long: %.64s/%.64s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "open %s: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(e, ERR_IO, "%s is not a readable regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > TEXTFILE_MAX_BYTES) {
		rc = err_set(e, ERR_LIMIT, "%s: larger than %zu bytes", path, TEXTFILE_MAX_BYTES);
		goto out;
	}
	size = (size_t)st.st_size;
	if ((buf = malloc(size + 1)) == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	/* The file may shrink under us (rename by a writer keeps our inode, so it does not). */
	while (off < size) {
		ssize_t n = read(fd, buf + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(e, ERR_IO, "read %s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	*data = buf;
	buf = NULL;
	if (len != NULL)
		*len = off;
out:
	free(buf);
	close(fd);
	return rc;
}
